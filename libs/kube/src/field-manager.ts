/** The field manager Berth's sync applies with: the diff reads its `Apply` entry in managedFields, a dry run must use it to predict the apply. */
export const BERTH_FIELD_MANAGER = 'berth';
