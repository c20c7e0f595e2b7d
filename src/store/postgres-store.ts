export class PostgresStore {
  static async open(_url: string): Promise<never> {
    throw new Error('not yet');
  }
}
