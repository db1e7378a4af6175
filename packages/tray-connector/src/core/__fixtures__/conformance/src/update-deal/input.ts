type Amount = { value: number; currency: 'USD' | 'EUR' | 'GBP' };
type Stage = { stage: 'open' | 'won' | 'lost' };

export type UpdateDealInput = Amount &
  Stage & {
    deal_id: string;
    /** @advanced true */
    notify?: boolean;
    custom_fields?: { [key: string]: string | number | boolean };
    tuple: [string, number];
  };
