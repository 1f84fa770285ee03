// Entry point of the bundled language server the extension starts (dist/server.mjs).
import { startServer } from '@tlc/lsp';

startServer();
