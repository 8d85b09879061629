import vue from '@vitejs/plugin-vue';
import legacy from '@vitejs/plugin-legacy';
import { gracefulShutdown } from './devserver-shutdown.mjs';

export default {
  plugins: [
    vue(),
    legacy({ targets: ['defaults'] }),
    gracefulShutdown(),
  ],
};
