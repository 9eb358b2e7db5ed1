/** A problem of one key of the accounts config, in the shape of the notifications config's. */
export interface AccountsConfigIssue {
  key: string;
  message: string;
}
