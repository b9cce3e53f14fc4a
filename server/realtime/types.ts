import type { Namespace, RemoteSocket, Server, Socket } from 'socket.io';
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from './protocol.js';

/** The Socket.io server and its `/staff` namespace, typed by the protocol. */
export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type StaffNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type StaffSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
/** A socket as `fetchSockets()` returns it: maybe on another instance. */
export type AnyStaffSocket = RemoteSocket<ServerToClientEvents, SocketData>;
