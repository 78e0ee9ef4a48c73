import { alertOutboxContract } from '../../../helpers/alertOutboxContract.ts';
import { MemoryAlertOutbox } from '../../../helpers/memoryAlertOutbox.ts';

alertOutboxContract('in-memory', () => new MemoryAlertOutbox());
