// A tiny authoritative DNS server for the browser tests: answers TXT and CNAME questions from
// files that tests write, `<dir>/<name>.json` = { "txt": [["…"]], "cname": ["…"] }, read on every
// query. Names without a file, or other record types, get an empty NOERROR answer. UDP only,
// no compression beyond the question pointer: enough for Node's resolver, nothing more.
import { createSocket } from 'node:dgram';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

const TYPE = { CNAME: 5, TXT: 16 };

function readName(message, offset) {
  const labels = [];
  for (;;) {
    const length = message[offset];
    if (length === undefined) throw new Error('truncated name');
    offset += 1;
    if (length === 0) break;
    if (length >= 0xc0) throw new Error('compressed question name');
    labels.push(message.subarray(offset, offset + length).toString('latin1'));
    offset += length;
  }
  return { name: labels.join('.').toLowerCase(), offset };
}

function encodeName(name) {
  const parts = name.replace(/\.$/, '').split('.').filter(Boolean);
  return Buffer.concat([
    ...parts.map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label, 'latin1')])),
    Buffer.from([0]),
  ]);
}

function answer(type, rdata) {
  const head = Buffer.alloc(12);
  head.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
  head.writeUInt16BE(type, 2);
  head.writeUInt16BE(1, 4); // IN
  head.writeUInt32BE(0, 6); // TTL 0: tests change records at will
  head.writeUInt16BE(rdata.length, 10);
  return Buffer.concat([head, rdata]);
}

async function recordsFor(dir, name) {
  if (!/^[a-z0-9._-]+$/.test(name)) return {};
  try {
    return JSON.parse(await readFile(join(dir, `${name}.json`), 'utf8'));
  } catch {
    return {};
  }
}

/** Starts the server on 127.0.0.1 (port 0: any free one); resolves to { port, close }. */
export async function startDnsServer(dir, port = 0) {
  const socket = createSocket('udp4');
  socket.on('message', async (message, remote) => {
    try {
      const id = message.readUInt16BE(0);
      const { name, offset } = readName(message, 12);
      const type = message.readUInt16BE(offset);
      const question = message.subarray(12, offset + 4);
      const records = await recordsFor(dir, name);
      const answers = [];
      if (type === TYPE.TXT) {
        for (const strings of records.txt ?? []) {
          const rdata = Buffer.concat(
            strings.map((s) => Buffer.concat([Buffer.from([Buffer.byteLength(s)]), Buffer.from(s)])),
          );
          answers.push(answer(TYPE.TXT, rdata));
        }
      } else if (type === TYPE.CNAME) {
        for (const target of records.cname ?? []) answers.push(answer(TYPE.CNAME, encodeName(target)));
      }
      const header = Buffer.alloc(12);
      header.writeUInt16BE(id, 0);
      header.writeUInt16BE(0x8400 | (message.readUInt16BE(2) & 0x0100), 2); // response, authoritative, RD echoed
      header.writeUInt16BE(1, 4);
      header.writeUInt16BE(answers.length, 6);
      socket.send(Buffer.concat([header, question, ...answers]), remote.port, remote.address);
    } catch {
      // A malformed query gets no answer; the resolver times out and retries.
    }
  });
  await new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, '127.0.0.1', resolve);
  });
  return {
    port: socket.address().port,
    close: () => new Promise((resolve) => socket.close(resolve)),
  };
}
