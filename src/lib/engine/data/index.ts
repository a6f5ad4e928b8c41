/** The engine's data sets: the shared {@link Dataset} shape, 2-D toy sets and the MNIST subset. */

export * from './dataset';
export * from './synthetic';
export * from './mnist';
