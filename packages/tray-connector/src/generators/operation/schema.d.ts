export type OperationKind = 'http' | 'composite';

export interface OperationGeneratorSchema {
  /** snake_case operation name; camelCase or kebab-case is converted. */
  name: string;
  /** The connector project. */
  project: string;
  /** Default 'http'. */
  kind?: OperationKind;
  /** Default: the name in sentence case. */
  title?: string;
  /** Default ''. */
  description?: string;
  skipFormat?: boolean;
}
