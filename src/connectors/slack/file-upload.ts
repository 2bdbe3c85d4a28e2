// A file shared to a Slack channel through Slack's external upload flow ("Uploading files":
// files.upload was retired in 2025): files.getUploadURLExternal { filename, length } gives an
// upload_url and a file id; the bytes are POSTed there (multipart, no token: the URL is the
// grant); files.completeUploadExternal { files: [{ id, title }], channel_id, initial_comment }
// shares it. Errors are Slack's `{ ok: false, error }` codes (SlackApiError).
import { isSuccess } from '../http';
import { SlackApiError, slackHttp, slackMethodCaller, SLACK_API_URL } from './web-api';

/** The share's answer was lost (not a Slack error): the file may be in the channel. */
export class SlackShareUnknown extends Error {
  constructor(cause: unknown) {
    super(
      `slack files.completeUploadExternal: no answer (${String((cause as Error)?.message ?? cause).slice(0, 200)}); the file may have been shared`,
    );
    this.name = 'SlackShareUnknown';
  }
}

export interface SlackFile {
  channelId: string;
  filename: string;
  title: string;
  contentType: string;
  content: Buffer;
  initialComment?: string;
}
export interface SlackFileUploader {
  upload(file: SlackFile): Promise<{ fileId: string }>;
}

export function slackFileUploader(opts: { token: string; baseUrl?: string }): SlackFileUploader {
  const call = slackMethodCaller(opts);
  const http = slackHttp();
  const apiProtocol = new URL(opts.baseUrl ?? SLACK_API_URL).protocol;
  return {
    async upload(f) {
      if (f.content.byteLength === 0) throw new SlackApiError('files.getUploadURLExternal', 'missing_argument', false);
      const grant = await call('files.getUploadURLExternal', { filename: f.filename, length: f.content.byteLength });
      const { upload_url: uploadUrl, file_id: fileId } = grant;
      if (typeof uploadUrl !== 'string' || typeof fileId !== 'string')
        throw new SlackApiError('files.getUploadURLExternal', 'malformed_answer', true);
      // The bytes go only where Slack said, and never over a weaker scheme than the API's own.
      if (new URL(uploadUrl).protocol !== apiProtocol) throw new SlackApiError('files.getUploadURLExternal', 'upload_url_scheme', false);
      const form = new FormData();
      form.append('filename', new Blob([f.content], { type: f.contentType }), f.filename);
      const answer = await http.request({
        vendor: 'slack',
        url: uploadUrl,
        method: 'POST',
        body: form,
        timeoutMs: 120_000,
        maxBytes: 64 * 1024,
      });
      if (!isSuccess(answer.status)) throw new SlackApiError('upload', `http_${answer.status}`, answer.status >= 500);
      try {
        await call('files.completeUploadExternal', {
          files: [{ id: fileId, title: f.title }],
          channel_id: f.channelId,
          ...(f.initialComment ? { initial_comment: f.initialComment } : {}),
        });
      } catch (err) {
        if (err instanceof SlackApiError) throw err;
        throw new SlackShareUnknown(err);
      }
      return { fileId };
    },
  };
}
