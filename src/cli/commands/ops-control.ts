import type { Command } from 'commander';
import { OPERATION_STATUS_LABELS } from '../../domain/index.js';
import type { Operation } from '../../domain/index.js';
import type { Store } from '../../store/store.js';
import { withStore } from '../cli-store.js';
import { configOf } from '../global-options.js';
import { operatorName } from '../operator-name.js';
import { standardOutput } from '../cli-output.js';
import type { CliOutput } from '../cli-output.js';

type Control = (store: Store, id: string, actor: string) => Promise<Operation>;

const CONTROLS: readonly { name: string; description: string; run: Control }[] = [
  {
    name: 'cancel',
    description: 'cancel an operation; a running one stops within about a second',
    run: (store, id, actor) => store.operations.requestCancel(id, actor),
  },
  {
    name: 'restart',
    description: 'schedule a failed operation again',
    run: (store, id, actor) => store.operations.restart(id, actor),
  },
  {
    name: 'run-now',
    description: 'request immediate execution: move the operation to the front of the queue, due now',
    run: (store, id, actor) => store.operations.runImmediately(id, actor),
  },
];

export function registerOpsControl(ops: Command, output: CliOutput = standardOutput): void {
  for (const control of CONTROLS) {
    ops
      .command(control.name)
      .description(control.description)
      .argument('<id>', 'operation id')
      .action(async (id: string, _flags: unknown, cmd: Command) => {
        const operation = await withStore(configOf(cmd), (store) => control.run(store, id, operatorName()));
        const cancelling = operation.status === 'running' && operation.cancelRequested ? ' (cancel requested)' : '';
        output.line(`${operation.id}: ${OPERATION_STATUS_LABELS[operation.status]}${cancelling}`);
      });
  }
}
