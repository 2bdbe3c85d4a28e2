// A real 7z archive, AES-256 encrypted with password "infected" (headers too, as Falcon's
// extracted-file-contents answers), written by 7-Zip itself (npm 7z-wasm), not a hand-made fake.
import SevenZip from '7z-wasm';

export async function sevenZipArchive(files: Record<string, Buffer>, password = 'infected'): Promise<Buffer> {
  const module = await SevenZip({ print: () => undefined, printErr: () => undefined });
  module.FS.mkdir('/in');
  for (const [name, content] of Object.entries(files)) module.FS.writeFile(`/in/${name}`, content);
  module.FS.chdir('/in');
  const rc = module.callMain(['a', '-bd', '-t7z', `-p${password}`, '-mhe=on', '/out.7z', ...Object.keys(files)]) as unknown;
  if (rc !== 0) throw new Error(`7-Zip could not write the archive (exit ${String(rc)})`);
  return Buffer.from(module.FS.readFile('/out.7z'));
}
