// Dining philosophers, 5 of them (dining-table.ts).
import { diningTable } from './dining-table.ts';

export default diningTable(5);
