// YARA analyzer (YARA-X): the curated rules in rules/yara plus user folders, compiled once per worker.
//   const scanner = getYaraScanner(parseYaraDirs(env.AUTOSOC_YARA_DIRS));
//   const finding = scanWithYara(bytes, scanner);   // cache results under scanner.version
export { ANALYZER_VERSION, YARA_ANALYZER } from './constants';
export { parseYaraDirs, bundledRulesDir, listRuleFiles, type RuleFile, type RuleFileProblem } from './rule-files';
export { compileRuleFiles, EXTERNAL_VARIABLES, type CompiledRuleSet } from './compile-rules';
export { getYaraScanner, MAX_MATCHES_PER_PATTERN, SCAN_TIMEOUT_MS, type YaraScanner, type ScannerOptions } from './scanner';
export { scanWithYara, findingFromMatches, DEFAULT_MAX_SCAN_BYTES, type YaraScanOptions } from './scan';
export { ruleScore, ruleSeverity, ruleAttackIds, SEVERITY_SCORES, type RuleSeverity } from './rule-meta';
