import { type ModelDescription, type ModelOptions, type NetspecModel } from "./runtime/model.js";
export declare const description: ModelDescription;
/** A model instance: its own arena, weights initialized from `options.seed`. */
export declare function createModel(options?: ModelOptions): Promise<NetspecModel>;
