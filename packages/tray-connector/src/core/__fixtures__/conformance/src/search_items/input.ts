export type SearchItemsInput = {
  query: string;
  filters: Array<{
    field: 'name' | 'created' | 'v2_score';
    /**
     * @lookupOperation list_values
     * @lookupInput {"field": "{{{field}}}"}
     */
    value: string;
  }>;
  /** Maximum results */
  max?: number;
};
