import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { setupSignalHandlers, registerHttpServer, registerShutdownHandler } from './shutdown';

setupSignalHandlers();

async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  registerHttpServer(app.getHttpServer());
  registerShutdownHandler('nest', () => app.close());
  await app.listen(process.env.PORT ?? 3000);
}
bootstrap();
