import { ValidationProblem } from './model';

/** One line: "<target> <source> <object> <field>: [<rule>] <message>" (the field is omitted when it is the whole object). */
export function formatProblem(p: ValidationProblem): string {
  const where = [p.target, p.source, p.object, p.field].filter((part) => part !== '').join(' ');
  return `${where}: [${p.rule}] ${p.message}`;
}
