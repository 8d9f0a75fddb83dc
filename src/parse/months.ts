// Month names as Bamboo servers in various locales print them in `dd-MMM-yyyy` (Java's short month format).

const MONTHS: Record<string, number> = {};

function add(month: number, ...names: string[]): void {
  for (const name of names) MONTHS[name.toLowerCase()] = month;
}

// English, German, French, Spanish, Italian, Portuguese, Dutch, Polish, Russian, Ukrainian, Czech, Swedish.
add(1, 'jan', 'janv', 'ene', 'gen', 'jan', 'sty', 'янв', 'січ', 'led', 'jän', 'jänner', 'januar', 'january', 'enero');
add(2, 'feb', 'февр', 'févr', 'fevr', 'fév', 'fev', 'lut', 'фев', 'лют', 'úno', 'february', 'februar');
add(3, 'mar', 'mär', 'märz', 'mrz', 'mars', 'maa', 'mrt', 'мар', 'бер', 'bře', 'march');
add(4, 'apr', 'avr', 'abr', 'kwi', 'апр', 'кві', 'dub', 'april', 'abril');
add(5, 'may', 'mai', 'mayo', 'mag', 'mei', 'maj', 'май', 'мая', 'тра', 'kvě');
add(6, 'jun', 'июня', 'juin', 'giu', 'cze', 'июн', 'чер', 'čvn', 'juni', 'june', 'junio');
add(7, 'jul', 'июля', 'juil', 'lug', 'lip', 'июл', 'лип', 'čvc', 'juli', 'july', 'julio');
add(8, 'aug', 'août', 'aout', 'ago', 'sie', 'авг', 'сер', 'srp', 'august', 'agosto');
add(9, 'sep', 'сент', 'sept', 'set', 'wrz', 'сен', 'вер', 'zář', 'september', 'septiembre', 'sep.');
add(10, 'oct', 'okt', 'ott', 'out', 'paź', 'paz', 'окт', 'жов', 'říj', 'october', 'oktober', 'octubre');
add(11, 'nov', 'нояб', 'lis', 'ноя', 'лис', 'november', 'noviembre');
add(12, 'dec', 'dez', 'déc', 'dic', 'dez', 'gru', 'дек', 'гру', 'pro', 'december', 'dezember', 'diciembre');

// Turkish, Danish/Norwegian, Finnish (with and without the -k suffix), Hungarian, Romanian, Greek.
add(1, 'oca', 'tammi', 'tammik', 'ian', 'ιαν');
add(2, 'şub', 'helmi', 'helmik', 'febr', 'φεβ');
add(3, 'maalis', 'maalisk', 'márc', 'μαρ');
add(4, 'nis', 'huhti', 'huhtik', 'ápr', 'απρ');
add(5, 'touko', 'toukok', 'máj', 'μαΐ', 'μαϊ', 'μαι');
add(6, 'haz', 'kesä', 'kesäk', 'jún', 'iun', 'ιουν');
add(7, 'tem', 'heinä', 'heinäk', 'júl', 'iul', 'ιουλ');
add(8, 'ağu', 'elo', 'elok', 'αυγ');
add(9, 'eyl', 'syys', 'syysk', 'szept', 'σεπ');
add(10, 'eki', 'loka', 'lokak', 'οκτ');
add(11, 'kas', 'marras', 'marrask', 'νοε', 'νοέ');
add(12, 'ara', 'des', 'joulu', 'jouluk', 'δεκ');

/**
 * The month number (1-12) for a month token as printed by a Bamboo server, or 0 when unknown.
 * Accepts any case, a trailing dot (`Okt.`, `sept.`), and numeric forms (`3월`, `3月`, `03`).
 */
export function monthNumber(token: string): number {
  let t = token.toLowerCase();
  if (t.endsWith('.')) t = t.slice(0, -1);
  const named = MONTHS[t];
  if (named !== undefined) return named;
  // Korean `3월`, Japanese/Chinese `3月`, or a plain number.
  const m = /^(\d{1,2})(?:월|月)?$/.exec(t);
  if (m) {
    const n = Number(m[1]);
    return n >= 1 && n <= 12 ? n : 0;
  }
  return 0;
}
