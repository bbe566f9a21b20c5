// F1: the same answer through Hono on @hono/node-server, with nothing else in front of it.
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import { announce, listenOnLoopback, onStop } from '../lib/serve.mjs';

const app = new Hono();
app.get('/', (c) => c.text('ok'));

const server = createAdaptorServer({ fetch: app.fetch });
announce({ url: await listenOnLoopback(server) });
onStop(async () => server.close());
