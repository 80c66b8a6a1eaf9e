// Preloaded with node --import: makes process.platform read CUTOVER_GATE_TEST_PLATFORM, so a
// test can run the real bundles as another OS would (this machine is Linux).
Object.defineProperty(process, 'platform', { value: process.env.CUTOVER_GATE_TEST_PLATFORM })
