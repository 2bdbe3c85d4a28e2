// The channels reports are delivered through, from configuration: e-mail when an SMTP relay is
// set (config.smtp), Slack files when the Slack bot token is. Ticket attachments go through
// the policy's ticket system (connectors/tickets).
import type { Config } from '../../config';
import { slackFileUploader, type SlackFileUploader } from '../slack/file-upload';
import { smtpMailer, type Mailer } from './smtp-mailer';

export interface ReportChannels {
  mailer?: Mailer;
  slackFiles?: SlackFileUploader;
}

export function reportChannelsFromConfig(config: Config): ReportChannels {
  return {
    ...(config.smtp ? { mailer: smtpMailer(config.smtp) } : {}),
    ...(config.slack.botToken ? { slackFiles: slackFileUploader({ token: config.slack.botToken, baseUrl: config.slack.apiUrl }) } : {}),
  };
}
