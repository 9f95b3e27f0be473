export { MesosNode, type MesosNodeParams } from "./node.ts";
