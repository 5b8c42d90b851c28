/** Kernel report blocks several tests expect verbatim. */

/** print_irq_lock_scenario() without a chain line. */
export function irqScenario(safe: string, unsafe: string, middle = unsafe): string[] {
  return [
    ' Possible interrupt unsafe locking scenario:',
    '',
    '       CPU0                    CPU1',
    '       ----                    ----',
    `  lock(${unsafe});`,
    '                               local_irq_disable();',
    `                               lock(${safe});`,
    `                               lock(${middle});`,
    '  <Interrupt>',
    `    lock(${safe});`,
    '',
    ' *** DEADLOCK ***',
    '',
  ];
}

/** The one-CPU scenario of a usage bug or of recursive locking. */
export function oneCpuScenario(...rows: string[]): string[] {
  return [' Possible unsafe locking scenario:', '', '       CPU0', '       ----', ...rows, '', ' *** DEADLOCK ***', ''];
}
