// Online threat intel: VirusTotal, AbuseIPDB, URLhaus and urlscan.io clients behind one
// lookupAll with cache, rate limits and timeouts; and the 'online-intel' analyzer.
export { AbuseIpdbClient } from './abuseipdb';
export { analyzeOnlineIntel, ANALYZER_VERSION, ONLINE_INTEL_ANALYZER } from './analyze';
export { IntelCache, DEFAULT_CACHE_TTL } from '../../store/intel-cache';
export { onlineIntelFromEnv, IntelConfigError } from './config';
export { IntelError } from './http';
export { OnlineIntel, type OnlineIntelOptions, type ProviderSetup } from './lookup';
export { TokenBucket, parseRate } from './rate-limit';
export type { Clock, Indicator, IntelLookupEntry, IntelProvider, OnlineVerdict } from './types';
export { UrlhausClient } from './urlhaus';
export { UrlscanClient } from './urlscan';
export { VirusTotalClient } from './virustotal';
