export type GetContactResponse = {
  data: { id: string; attributes: Record<string, string> };
  /** @advanced true */
  links?: { self: string };
};
