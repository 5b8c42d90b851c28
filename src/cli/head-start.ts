/**
 * `smpsim run <scenario>` and `smpsim replay <scenario> <token>` start the scenario's CPU
 * threads before the rest of the command line is loaded (see prestartMachine): the bin calls
 * this first, with the command line as given.
 */
import { prestartMachine } from '../run/prestart.ts';

const MACHINE_COMMANDS = new Set(['run', 'replay']);

export async function headStart(argv: readonly string[]): Promise<void> {
  const [command, scenario] = argv.slice(2);
  if (command && scenario && MACHINE_COMMANDS.has(command) && !scenario.startsWith('-'))
    await prestartMachine(scenario);
}
