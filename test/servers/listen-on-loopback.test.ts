import { listenOnLoopback } from './listen-on-loopback';

describe('listenOnLoopback', () => {
  it('serves on 127.0.0.1 at a port of its own, and refuses connections once closed', async () => {
    const a = await listenOnLoopback((_req, res) => {
      res.end('a');
    });
    const b = await listenOnLoopback((_req, res) => {
      res.end('b');
    });
    expect(a.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(a.port).not.toBe(b.port);
    expect(await (await fetch(a.url)).text()).toBe('a');
    await Promise.all([a.close(), b.close()]);
    await expect(fetch(a.url)).rejects.toThrow();
  });

  it('answers 500 with the error when a handler throws or rejects', async () => {
    const s = await listenOnLoopback(async (req) => {
      throw new Error(`no route ${req.url}`);
    });
    const res = await fetch(`${s.url}/x`);
    expect({ status: res.status, body: await res.text() }).toEqual({ status: 500, body: 'Error: no route /x' });
    await s.close();
  });

  it('closes with a request still hanging, and a second close is harmless', async () => {
    let arrived!: () => void;
    const hanging = new Promise<void>((r) => {
      arrived = r;
    });
    const s = await listenOnLoopback(() => {
      arrived();
    }); // never answers
    const pending = fetch(s.url).then(
      () => 'answered',
      () => 'cut off',
    );
    await hanging;
    await s.close();
    await s.close();
    expect(await pending).toBe('cut off');
  });
});
