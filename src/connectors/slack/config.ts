// The Slack app from configuration: the worker posts escalations (bot token + channel), the API
// takes clicks (signing secret + bot token for chat.update). Either half is off until its settings are.
import type { Pool } from 'pg';
import type { Config } from '../../config';
import type { Notifier } from '../notifier';
import { slackBotNotifier } from './bot-notifier';
import { slackWebApi } from './web-api';

export function slackBotNotifiers(config: Config, db: Pool): Notifier[] {
  const { botToken, channel, apiUrl } = config.slack;
  return botToken && channel ? [slackBotNotifier({ db, channel, api: slackWebApi({ token: botToken, baseUrl: apiUrl }) })] : [];
}

export function slackApiFromConfig(config: Config) {
  const { botToken, signingSecret, apiUrl, responseUrlPrefix } = config.slack;
  return botToken && signingSecret
    ? { signingSecret, responseUrlPrefix, api: slackWebApi({ token: botToken, baseUrl: apiUrl }) }
    : undefined;
}
