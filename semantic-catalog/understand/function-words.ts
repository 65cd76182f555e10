/**
 * English words that carry no business meaning in a question: grammar, politeness, question
 * framing, and the verbs of asking and showing. One list for every catalog. A word that is not
 * here, not a catalog term and not a time, number, ranking or comparison phrase is a leftover:
 * the question was not fully understood, and Tally asks instead of answering the rest.
 *
 * Words that change a number's meaning (average, total count, rate, per, not, without, churned…)
 * must never be added here: dropping them silently is how a tool answers a different question.
 */
const WORDS = `
a an the this that these those it its it's their them they there here our we us my me i you your
is are was were be been being am do does did doing done have has had having will would shall should
can could may might must let lets please kindly thanks thank
what whats which who whom whose where when how why
of for in on at to from into onto with within by about as than then so such through via
and or also too both either
show shown showing give giving tell list listing display get getting find see view look looking want
need know like report fetch pull bring return provide calculate compute
many much got make made numbers figure figures value values amount data info information stats statistics metric metrics
split broken break breakdown grouped down up across over per each every all any overall
chart graph plot table trend trends
currently current so far right now just only
he she he/she they them corresponding respective respectively relevant
`;

/** Stems of the words above (the reading compares stemmed words). */
export const FUNCTION_WORDS = new Set(WORDS.split(/\s+/).filter(Boolean));
