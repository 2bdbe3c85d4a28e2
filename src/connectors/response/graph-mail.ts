// Quarantine a reported e-mail in a recipient's mailbox through Microsoft Graph v1.0, as
// learn.microsoft.com documents it (graph/api/…):
//   user-list-messages   GET  /v1.0/users/{mailbox}/messages?$filter=internetMessageId eq '<…>'&$select=id,parentFolderId
//   user-list-mailfolders GET /v1.0/users/{mailbox}/mailFolders?$filter=displayName eq '…'
//   user-post-mailfolders POST /v1.0/users/{mailbox}/mailFolders {displayName} → 201 (the quarantine folder, made once)
//   message-move         POST /v1.0/users/{mailbox}/messages/{id}/move {destinationId} → 201 the moved
//                        message (a new id); destinationId may be a well-known name such as 'inbox'
// One action per mailbox: target `mailbox:<internet-message-id>`. Undo moves the message back
// to the Inbox (where a delivered message was). Application permission Mail.ReadWrite.
import { ConnectorError } from '../connector-http';
import type { ResponseAction } from '../../domain/response';
import type { ResponseConnector, ResponseContext, ResponseOutcome, VendorState } from '../response-connector';
import { executed, OAuthVendor, odataString, undone, type OAuthVendorSettings } from './vendor';

interface Message {
  id: string;
  parentFolderId: string;
}
export const QUARANTINE_FOLDER = 'autosoc quarantine';

/** `mailbox:<message-id>` → its parts; the mailbox is an address or user id, the Message-ID keeps its angle brackets. */
export function parseMailTarget(target: string): { mailbox: string; messageId: string } {
  const m = /^([^:<>\s]+):(<[^<>\s]+>)$/.exec(target);
  if (!m) throw new ConnectorError('rejected', `quarantine_email target must be mailbox:<message-id>, not ${target.slice(0, 120)}`);
  return { mailbox: m[1], messageId: m[2] };
}

export class GraphMailConnector implements ResponseConnector {
  readonly name = 'graph-mail';
  private readonly api: OAuthVendor;

  constructor(
    settings: OAuthVendorSettings,
    private readonly folderName = QUARANTINE_FOLDER,
  ) {
    this.api = new OAuthVendor('graph-mail', settings, true);
  }

  supports(a: ResponseAction): boolean {
    return a.kind === 'quarantine_email';
  }

  private box = (mailbox: string) => `/v1.0/users/${encodeURIComponent(mailbox)}`;

  private async message(mailbox: string, messageId: string, signal?: AbortSignal): Promise<Message> {
    const q = `$filter=${encodeURIComponent(`internetMessageId eq ${odataString(messageId)}`)}&$select=id,parentFolderId`;
    const found = (await this.api.call('find message', 'GET', `${this.box(mailbox)}/messages?${q}`, signal)) as { value?: Message[] };
    const first = found?.value?.[0];
    if (!first) throw new ConnectorError('not-found', `graph-mail: no message ${messageId} in ${mailbox}`);
    return first;
  }

  /** The quarantine folder's id, made on first use. */
  private async quarantineFolder(mailbox: string, signal?: AbortSignal): Promise<string> {
    const q = `$filter=${encodeURIComponent(`displayName eq ${odataString(this.folderName)}`)}`;
    const found = (await this.api.call('find folder', 'GET', `${this.box(mailbox)}/mailFolders?${q}`, signal)) as {
      value?: { id: string }[];
    };
    if (found?.value?.[0]) return found.value[0].id;
    const made = (await this.api.call('make folder', 'POST', `${this.box(mailbox)}/mailFolders`, signal, {
      displayName: this.folderName,
    })) as { id: string };
    return made.id;
  }

  private async move(mailbox: string, message: Message, destinationId: string, signal?: AbortSignal): Promise<void> {
    await this.api.call('move message', 'POST', `${this.box(mailbox)}/messages/${encodeURIComponent(message.id)}/move`, signal, {
      destinationId,
    });
  }

  async execute(action: ResponseAction, ctx: ResponseContext): Promise<ResponseOutcome> {
    const { mailbox, messageId } = parseMailTarget(action.target);
    const message = await this.message(mailbox, messageId, ctx.signal);
    const folder = await this.quarantineFolder(mailbox, ctx.signal);
    if (message.parentFolderId !== folder) await this.move(mailbox, message, folder, ctx.signal);
    return executed('graph-mail', `${messageId} moved to "${this.folderName}" in ${mailbox}`);
  }

  async check(action: ResponseAction, ctx: ResponseContext): Promise<VendorState> {
    const { mailbox, messageId } = parseMailTarget(action.target);
    const message = await this.message(mailbox, messageId, ctx.signal);
    return message.parentFolderId === (await this.quarantineFolder(mailbox, ctx.signal)) ? 'in-effect' : 'not-in-effect';
  }

  async undo(action: ResponseAction, ctx: ResponseContext): Promise<ResponseOutcome> {
    const { mailbox, messageId } = parseMailTarget(action.target);
    const message = await this.message(mailbox, messageId, ctx.signal);
    if (message.parentFolderId === (await this.quarantineFolder(mailbox, ctx.signal)))
      await this.move(mailbox, message, 'inbox', ctx.signal);
    return undone('graph-mail', `${messageId} moved back to the Inbox of ${mailbox}`);
  }
}
