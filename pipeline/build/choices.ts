/** The CLI's choices, in a module light enough to load before deciding whether there is anything to do. */
export const outputGroups = ['model', 'briefs', 'report', 'annex', 'preview'] as const;
export type OutputGroup = (typeof outputGroups)[number];
export const reportLayouts = ['separate', 'parallel'] as const;
export type ReportLayout = (typeof reportLayouts)[number];
