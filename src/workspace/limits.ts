// How many results an answer carries when the caller does not say, and the most a caller may
// ask for: one pair for file search, symbol search and every navigation tool.

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 1000;
