export type SearchItemsOutput = {
  items: { id: string; score: number; tags?: ('a' | 'b')[] }[];
  empty: {};
};
