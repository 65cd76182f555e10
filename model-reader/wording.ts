/** Every sentence the model path says to a person, as a named function (tests assert on them). */

/** The restatement of an answer the model read: it says so first. */
export const readWithModel = (model: string, restatement: string) =>
  `Read with AI (${model}): ${restatement}`;

export const modelReplyInvalid = (offline: string, reason: string) =>
  `${offline ? `${offline} ` : ''}A language model suggested a reading, but it didn’t pass Tally’s checks (${reason}), so nothing was run.`.trim();

/** The model's reading planned into a refusal or a question back: it says whose reading it was. */
export const modelReadingRefused = (model: string, message: string) => `Read with AI (${model}): ${message}`;

export const sqlGaveUp = (model: string, tries: number, reason: string) =>
  `I couldn’t answer that: the SQL ${model} wrote was not accepted after ${tries} tries (last: ${reason}). Nothing it wrote was run unchecked; try asking with the catalog’s words.`;

export const sqlRestatement = (model: string, tables: string[], explanation: string) =>
  `Read with AI (${model}) as SQL over ${tables.join(', ')}: ${explanation.trim() || 'no explanation given'} Check the SQL: it was written by the model, not built from the catalog’s definitions.`;

/** Added to the offline reply when a person's OPENAI_DAILY_CALLS_PER_USER are spent. */
export const overBudget = (limit: number) =>
  `(I didn’t ask the language model this time: you’ve reached today’s limit of ${limit} AI reading${limit === 1 ? '' : 's'}. It resets tomorrow.)`;
