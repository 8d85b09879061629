/** What a browser tab keeps open against a dev server: Vite's HMR socket and the app's own WebSocket. */
import { openWebSocket, type WsClient } from '../helpers/load.js';

export type Client = WsClient;

/** A WebSocket opened as a page served from `origin` opens it; resolves once open. */
export function connectWebSocket(url: string, protocols: string[], origin: string): Promise<Client> {
  return openWebSocket(url, { protocols, origin });
}

/** Vite's HMR client: subprotocol vite-hmr, the token Vite put in /@vite/client; waits for `connected`. */
export async function connectHmr(origin: string): Promise<Client> {
  const source = await (await fetch(`${origin}/@vite/client`)).text();
  const token = /const wsToken = "([^"]+)"/.exec(source)?.[1];
  if (!token) throw new Error('no wsToken in /@vite/client');
  const client = await connectWebSocket(`${origin.replace(/^http/, 'ws')}/?token=${token}`, ['vite-hmr'], origin);
  const hello = JSON.parse(await client.firstMessage) as { type?: string };
  if (hello.type !== 'connected') throw new Error(`HMR said ${JSON.stringify(hello)} first`);
  return client;
}
