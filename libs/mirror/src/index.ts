export { normalizeTagPatterns, tagPatternProblem, compileTagPatterns, selectTags } from './tag-patterns';
