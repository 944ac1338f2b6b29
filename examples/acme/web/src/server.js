// Acme's storefront (an example application for paved's quick start).
import { createServer } from "node:http";

export const handler = (_req, res) => res.end("hello from acme\n");

if (import.meta.url === `file://${process.argv[1]}`) createServer(handler).listen(3000);
