import { Injectable } from '@nestjs/common';

@Injectable()
export class AppService {
  async invoices(): Promise<{ invoices: string[] }> {
    // Invoices come from the ledger service, which takes a moment.
    await new Promise((resolve) => setTimeout(resolve, 200));
    return { invoices: [] };
  }
}
