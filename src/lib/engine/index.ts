/**
 * The public surface of the Bitwise engine: pure TypeScript that trains small binary
 * networks, bit-packed, in node, in the CLI and in a browser worker alike.
 */
export * from './rng';
export * from './bits';
export * from './kernels/binary-gemm';
export * from './gemm';
export * from './quantize';
export * from './quantize-model';
export * from './ste';
export * from './multibase';
export * from './config';
export * from './mlp';
export * from './model';
export * from './loss';
export * from './distill';
export * from './attack';
export * from './init';
export * from './optim';
export * from './train';
export * from './format';
export * from './crc32';
export { FormatError } from './bytes';
export * from './data';
export type { Layer, Param, StoredTensor, ForwardOptions } from './layers/types';
export { Dense } from './layers/dense';
export { BatchNorm } from './layers/batchnorm';
export { Activation } from './layers/activation';
export * from './conv';
export * from './convnet';
export { Conv2D } from './layers/conv2d';
export { MaxPool2D, Flatten } from './layers/pool';
