import { Injectable, OnApplicationShutdown } from '@nestjs/common';

@Injectable()
export class AppService implements OnApplicationShutdown {
  getHello(): string {
    return 'Hello World!';
  }

  async slowReport(): Promise<string> {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    return 'report';
  }

  // Runs only when app.close() is called (or shutdown hooks are enabled).
  onApplicationShutdown(signal?: string) {
    console.log(`nest shutdown hook ran (${signal ?? 'close'})`);
  }
}
