export type SearchItemsResponse = { hits: { total: number }; raw: string[] };
