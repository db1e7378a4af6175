type Address = {
  street: string;
  /** The city, if known */
  city?: string;
  geo?: { lat: number; lng: number };
};

export enum Priority {
  Low = 1,
  High = 2,
}

export type GetContactInput = {
  /**
   * @lookupOperation list_contacts_ddl
   * @lookupInput {"includeArchived": false}
   * @lookupAuthRequired true
   */
  id: string;
  /**
   * @lookupOperation list_owners_ddl
   * @lookupInput {}
   */
  owner_id?: number;
  /**
   * @enumLabels Active user, Archived user, Pending review
   */
  status: 'active' | 'archived' | 'pending_review';
  kind?: 'person' | 'companyName' | 'HTTP_REQUEST';
  priority: Priority;
  /**
   * @advanced true
   */
  include_history?: boolean;
  /** @advanced true */
  page_size?: number;
  tags: string[];
  addresses?: Address[];
  /** @default 10 */
  limit?: number;
  numbers: (1 | 2 | 3)[];
  nullable_note: string | null;
};
