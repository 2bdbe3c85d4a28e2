// Slack's mrkdwn treats &, < and > as control characters (links, mentions such as <!channel>):
// untrusted text is escaped to their entities, the three Slack asks for ("Formatting text for
// app surfaces > Escaping text"), and cut to what a block field holds.
export function escapeMrkdwn(text: string, maxChars = 2900): string {
  const cut = text.length > maxChars ? `${text.slice(0, maxChars)}…` : text;
  return cut.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
