type Base = { id: string; created_at: string };
type Person = Base & { kind: 'person'; first_name: string; last_name?: string };
type Company = Base & { kind: 'company'; company_name: string };

export type GetContactOutput = {
  contact: Person | Company;
  meta: { total: number; next?: string };
  anything: unknown;
};
