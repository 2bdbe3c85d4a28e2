// A local server speaking the Microsoft Graph v1.0 mail calls autosoc makes, as
// learn.microsoft.com documents them (graph/api/user-list-messages with $filter on
// internetMessageId, user-list-mailfolders, user-post-mailfolders, message-move), with the
// Azure AD v2.0 token endpoint. A move answers 201 with the message under a new id (ids are
// not immutable by default); destinationId takes a folder id or a well-known name ('inbox').
// Errors as {"error": {"code", "message"}}; 429 with Retry-After (seconds).
import { randomUUID } from 'node:crypto';
import { retryAfterOneSecond, VendorApiServer, type Route } from './vendor-api-server';

interface Folder {
  id: string;
  displayName: string;
  wellKnownName?: string;
}
export interface Mailbox {
  folders: Folder[];
  messages: { id: string; internetMessageId: string; parentFolderId: string }[];
}

const EQ = (field: string) => new RegExp(`^${field} eq '((?:[^']|'')*)'$`);

export class GraphMailServer extends VendorApiServer {
  readonly mailboxes = new Map<string, Mailbox>();

  constructor(opts: { tenant: string; clientId: string; clientSecret: string }) {
    super({ kind: 'oauth', tokenPath: `/${opts.tenant}/oauth2/v2.0/token`, clientId: opts.clientId, clientSecret: opts.clientSecret });
  }

  /** Delivers a message to the mailbox's Inbox. */
  deliver(mailbox: string, internetMessageId: string): void {
    let box = this.mailboxes.get(mailbox);
    if (!box)
      this.mailboxes.set(mailbox, (box = { folders: [{ id: randomUUID(), displayName: 'Inbox', wellKnownName: 'inbox' }], messages: [] }));
    box.messages.push({ id: randomUUID(), internetMessageId, parentFolderId: box.folders[0].id });
  }

  /** The display name of the folder holding the message. */
  folderOf(mailbox: string, internetMessageId: string): string | undefined {
    const box = this.mailboxes.get(mailbox);
    const m = box?.messages.find((x) => x.internetMessageId === internetMessageId);
    return box?.folders.find((f) => f.id === m?.parentFolderId)?.displayName;
  }

  protected error(_status: number, code: string, message: string): unknown {
    return { error: { code, message } };
  }
  protected throttleHeaders(): Record<string, string> {
    return retryAfterOneSecond();
  }

  private box(key: string): Mailbox | undefined {
    return this.mailboxes.get(decodeURIComponent(key));
  }
  private missing(): [number, unknown] {
    return [404, this.error(404, 'ErrorInvalidUser', 'The requested user is invalid.')];
  }

  protected routes(): Route[] {
    return [
      {
        method: 'GET',
        path: /^\/v1\.0\/users\/([^/]+)\/messages$/,
        handle: ({ query }, m) => {
          const box = this.box(m[1]);
          if (!box) return this.missing();
          const id = EQ('internetMessageId')
            .exec(query.get('$filter') ?? '')?.[1]
            ?.replace(/''/g, "'");
          return [
            200,
            {
              value: box.messages
                .filter((x) => x.internetMessageId === id)
                .map(({ id: mid, parentFolderId }) => ({ id: mid, parentFolderId })),
            },
          ];
        },
      },
      {
        method: 'GET',
        path: /^\/v1\.0\/users\/([^/]+)\/mailFolders$/,
        handle: ({ query }, m) => {
          const box = this.box(m[1]);
          if (!box) return this.missing();
          const name = EQ('displayName')
            .exec(query.get('$filter') ?? '')?.[1]
            ?.replace(/''/g, "'");
          return [200, { value: box.folders.filter((f) => f.displayName === name) }];
        },
      },
      {
        method: 'POST',
        path: /^\/v1\.0\/users\/([^/]+)\/mailFolders$/,
        handle: ({ body }, m) => {
          const box = this.box(m[1]);
          if (!box) return this.missing();
          if (box.folders.some((f) => f.displayName === body.displayName))
            return [409, this.error(409, 'ErrorFolderExists', 'A folder with the specified name already exists.')];
          const folder = { id: randomUUID(), displayName: String(body.displayName) };
          box.folders.push(folder);
          return [201, folder];
        },
      },
      {
        method: 'POST',
        path: /^\/v1\.0\/users\/([^/]+)\/messages\/([^/]+)\/move$/,
        handle: ({ body }, m) => {
          const box = this.box(m[1]);
          if (!box) return this.missing();
          const message = box.messages.find((x) => x.id === decodeURIComponent(m[2]));
          const dest = box.folders.find((f) => f.id === body.destinationId || f.wellKnownName === body.destinationId);
          if (!message) return [404, this.error(404, 'ErrorItemNotFound', 'The specified object was not found in the store.')];
          if (!dest) return [400, this.error(400, 'ErrorInvalidIdMalformed', 'Id is malformed.')];
          message.parentFolderId = dest.id;
          message.id = randomUUID();
          this.record(`move to ${dest.displayName}`, `${decodeURIComponent(m[1])}:${message.internetMessageId}`);
          return [201, { id: message.id, parentFolderId: dest.id, internetMessageId: message.internetMessageId }];
        },
      },
    ];
  }
}
