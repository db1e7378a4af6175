export interface UpdateDealOutput {
  success: boolean;
  result: { updated: number } | { error: string; code: 400 | 404 | 500 };
}
