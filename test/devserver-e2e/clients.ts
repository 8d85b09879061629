/** What a browser tab keeps open against a dev server: Vite's HMR socket and the app's own WebSocket. */
import WebSocket from 'ws';

export interface Client {
  ws: WebSocket;
  firstMessage: Promise<string>;
  closed: Promise<{ code: number }>;
}

/** A WebSocket opened as a page served from `origin` opens it; resolves once open. */
export function connectWebSocket(url: string, protocols: string[], origin: string): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, { origin });
    const firstMessage = new Promise<string>((done) => ws.once('message', (d) => done(String(d))));
    const closed = new Promise<{ code: number }>((done) => ws.on('close', (code) => done({ code })));
    ws.on('error', (err) => {
      if (ws.readyState === WebSocket.CONNECTING) reject(err);
    });
    ws.on('open', () => resolve({ ws, firstMessage, closed }));
  });
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
