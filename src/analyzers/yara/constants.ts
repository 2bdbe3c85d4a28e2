// Names shared by the YARA analyzer's modules.

export const YARA_ANALYZER = 'yara';
/** Code version; the rule set's own fingerprint is added per scanner (see YaraScanner.version). */
export const ANALYZER_VERSION = '1';
