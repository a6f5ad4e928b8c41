/**
 * Every work the notebook may cite, by key. A page cites with <Cite keys="..." />
 * and its references list shows exactly the works it cited, numbered in order of
 * first use. The facts and definitions these back are in the design notes
 * (REFERENCES.md); arXiv links are used where the paper is public there.
 */
export interface Reference {
	/** Authors as printed, given name first. */
	authors: readonly string[];
	title: string;
	/** Journal, conference, report or site. */
	venue: string;
	/** Left out for living documentation. */
	year?: number;
	url?: string;
	/** In-text label when "First-author et al." would be wrong (an organisation). */
	short?: string;
}

const arxiv = (id: string): string => `https://arxiv.org/abs/${id}`;

export const REFERENCES = {
	// Binary and low-bit networks
	rastegari2016: {
		authors: ['Mohammad Rastegari', 'Vicente Ordonez', 'Joseph Redmon', 'Ali Farhadi'],
		title: 'XNOR-Net: ImageNet Classification Using Binary Convolutional Neural Networks',
		venue: 'European Conference on Computer Vision (ECCV)',
		year: 2016,
		url: arxiv('1603.05279')
	},
	courbariaux2016: {
		authors: ['Matthieu Courbariaux', 'Itay Hubara', 'Daniel Soudry', 'Ran El-Yaniv', 'Yoshua Bengio'],
		title: 'Binarized Neural Networks: Training Deep Neural Networks with Weights and Activations Constrained to +1 or −1',
		venue: 'arXiv preprint 1602.02830',
		year: 2016,
		url: arxiv('1602.02830')
	},
	hubara2016: {
		authors: ['Itay Hubara', 'Matthieu Courbariaux', 'Daniel Soudry', 'Ran El-Yaniv', 'Yoshua Bengio'],
		title: 'Binarized Neural Networks',
		venue: 'Advances in Neural Information Processing Systems (NeurIPS)',
		year: 2016,
		url: arxiv('1602.02830')
	},
	lin2017: {
		authors: ['Xiaofan Lin', 'Cong Zhao', 'Wei Pan'],
		title: 'Towards Accurate Binary Convolutional Neural Network',
		venue: 'Advances in Neural Information Processing Systems (NeurIPS)',
		year: 2017,
		url: arxiv('1711.11294')
	},
	rastegari2020: {
		authors: ['Mohammad Rastegari', 'Vicente Ordonez', 'Joseph Redmon', 'Ali Farhadi'],
		title: 'Enabling AI at the Edge with XNOR-Networks',
		venue: 'Communications of the ACM 63(12), research highlight',
		year: 2020,
		url: 'https://cacm.acm.org/magazines/2020/12/248803-enabling-ai-at-the-edge-with-xnor-networks/fulltext'
	},
	li2016: {
		authors: ['Fengfu Li', 'Bo Zhang', 'Bin Liu'],
		title: 'Ternary Weight Networks',
		venue: 'arXiv preprint 1605.04711',
		year: 2016,
		url: arxiv('1605.04711')
	},
	hinton2012: {
		authors: ['Geoffrey Hinton', 'Nitish Srivastava', 'Kevin Swersky', 'Tijmen Tieleman', 'Abdelrahman Mohamed'],
		title: 'Neural Networks for Machine Learning',
		venue: 'Coursera video lectures',
		year: 2012,
		url: 'https://www.cs.toronto.edu/~hinton/coursera_lectures.html'
	},
	bengio2013: {
		authors: ['Yoshua Bengio', 'Nicholas Léonard', 'Aaron Courville'],
		title: 'Estimating or Propagating Gradients Through Stochastic Neurons for Conditional Computation',
		venue: 'arXiv preprint 1308.3432',
		year: 2013,
		url: arxiv('1308.3432')
	},
	liu2018: {
		authors: ['Zechun Liu', 'Baoyuan Wu', 'Wenhan Luo', 'Xin Yang', 'Wei Liu', 'Kwang-Ting Cheng'],
		title: 'Bi-Real Net: Enhancing the Performance of 1-bit CNNs with Improved Representational Capability and Advanced Training Algorithm',
		venue: 'European Conference on Computer Vision (ECCV)',
		year: 2018,
		url: arxiv('1808.00278')
	},
	darabi2018: {
		authors: ['Sajad Darabi', 'Mouloud Belbahri', 'Matthieu Courbariaux', 'Vahid Partovi Nia'],
		title: 'BNN+: Improved Binary Network Training',
		venue: 'arXiv preprint 1812.11800',
		year: 2018,
		url: arxiv('1812.11800')
	},
	helwegen2019: {
		authors: ['Koen Helwegen', 'James Widdicombe', 'Lukas Geiger', 'Zechun Liu', 'Kwang-Ting Cheng', 'Roeland Nusselder'],
		title: 'Latent Weights Do Not Exist: Rethinking Binarized Neural Network Optimization',
		venue: 'Advances in Neural Information Processing Systems (NeurIPS)',
		year: 2019,
		url: arxiv('1906.02107')
	},
	zhou2016: {
		authors: ['Shuchang Zhou', 'Yuxin Wu', 'Zekun Ni', 'Xinyu Zhou', 'He Wen', 'Yuheng Zou'],
		title: 'DoReFa-Net: Training Low Bitwidth Convolutional Neural Networks with Low Bitwidth Gradients',
		venue: 'arXiv preprint 1606.06160',
		year: 2016,
		url: arxiv('1606.06160')
	},
	martinez2020: {
		authors: ['Brais Martinez', 'Jing Yang', 'Adrian Bulat', 'Georgios Tzimiropoulos'],
		title: 'Training Binary Neural Networks with Real-to-Binary Convolutions',
		venue: 'International Conference on Learning Representations (ICLR)',
		year: 2020,
		url: arxiv('2003.11535')
	},
	liu2020: {
		authors: ['Zechun Liu', 'Zhiqiang Shen', 'Marios Savvides', 'Kwang-Ting Cheng'],
		title: 'ReActNet: Towards Precise Binary Neural Network with Generalized Activation Functions',
		venue: 'European Conference on Computer Vision (ECCV)',
		year: 2020,
		url: arxiv('2003.03488')
	},
	guo2022: {
		authors: ['Nianhui Guo', 'Joseph Bethge', 'Christoph Meinel', 'Haojin Yang'],
		title: 'Join the High Accuracy Club on ImageNet with a Binary Neural Network Ticket',
		venue: 'arXiv preprint 2211.12933',
		year: 2022,
		url: arxiv('2211.12933')
	},

	// Training, distillation, robustness
	bethge2019: {
		authors: ['Joseph Bethge', 'Haojin Yang', 'Marvin Bornstein', 'Christoph Meinel'],
		title: 'Back to Simplicity: How to Train Accurate BNNs from Scratch?',
		venue: 'arXiv preprint 1906.08637',
		year: 2019,
		url: arxiv('1906.08637')
	},
	hinton2015: {
		authors: ['Geoffrey Hinton', 'Oriol Vinyals', 'Jeff Dean'],
		title: 'Distilling the Knowledge in a Neural Network',
		venue: 'NeurIPS Deep Learning Workshop; arXiv preprint 1503.02531',
		year: 2015,
		url: arxiv('1503.02531')
	},
	goodfellow2015: {
		authors: ['Ian J. Goodfellow', 'Jonathon Shlens', 'Christian Szegedy'],
		title: 'Explaining and Harnessing Adversarial Examples',
		venue: 'International Conference on Learning Representations (ICLR)',
		year: 2015,
		url: arxiv('1412.6572')
	},
	galloway2018: {
		authors: ['Angus Galloway', 'Graham W. Taylor', 'Medhat Moussa'],
		title: 'Attacking Binarized Neural Networks',
		venue: 'International Conference on Learning Representations (ICLR)',
		year: 2018,
		url: arxiv('1711.00449')
	},
	athalye2018: {
		authors: ['Anish Athalye', 'Nicholas Carlini', 'David Wagner'],
		title: 'Obfuscated Gradients Give a False Sense of Security: Circumventing Defenses to Adversarial Examples',
		venue: 'International Conference on Machine Learning (ICML)',
		year: 2018,
		url: arxiv('1802.00420')
	},
	lin2019: {
		authors: ['Ji Lin', 'Chuang Gan', 'Song Han'],
		title: 'Defensive Quantization: When Efficiency Meets Robustness',
		venue: 'International Conference on Learning Representations (ICLR)',
		year: 2019,
		url: arxiv('1904.08444')
	},
	ioffe2015: {
		authors: ['Sergey Ioffe', 'Christian Szegedy'],
		title: 'Batch Normalization: Accelerating Deep Network Training by Reducing Internal Covariate Shift',
		venue: 'International Conference on Machine Learning (ICML)',
		year: 2015,
		url: arxiv('1502.03167')
	},
	kingma2015: {
		authors: ['Diederik P. Kingma', 'Jimmy Ba'],
		title: 'Adam: A Method for Stochastic Optimization',
		venue: 'International Conference on Learning Representations (ICLR)',
		year: 2015,
		url: arxiv('1412.6980')
	},

	// Hardware, energy and fast binary inference
	dally2015: {
		authors: ['William J. Dally'],
		title: 'High-Performance Hardware for Machine Learning',
		venue: 'Tutorial, Conference on Neural Information Processing Systems (NeurIPS)',
		year: 2015,
		url: 'https://nips.cc/Conferences/2015/ScheduleMultitrack?event=4894'
	},
	horowitz2014: {
		authors: ['Mark Horowitz'],
		title: "Computing's Energy Problem (and What We Can Do About It)",
		venue: 'IEEE International Solid-State Circuits Conference (ISSCC)',
		year: 2014,
		url: 'https://doi.org/10.1109/ISSCC.2014.6757323'
	},
	han2015: {
		authors: ['Song Han', 'Jeff Pool', 'John Tran', 'William J. Dally'],
		title: 'Learning both Weights and Connections for Efficient Neural Networks',
		venue: 'Advances in Neural Information Processing Systems (NeurIPS)',
		year: 2015,
		url: arxiv('1506.02626')
	},
	bannink2021: {
		authors: ['Tom Bannink', 'Adam Hillier', 'Lukas Geiger', 'Tim de Bruin', 'Leon Overweel', 'Jelmer Neeven', 'Koen Helwegen'],
		title: 'Larq Compute Engine: Design, Benchmark and Deploy State-of-the-Art Binarized Neural Networks',
		venue: 'Conference on Machine Learning and Systems (MLSys)',
		year: 2021,
		url: arxiv('2011.09398')
	},
	zhang2019: {
		authors: ['Jianhao Zhang', 'Yingwei Pan', 'Ting Yao', 'He Zhao', 'Tao Mei'],
		title: 'daBNN: A Super Fast Inference Framework for Binary Neural Networks on ARM devices',
		venue: 'ACM International Conference on Multimedia',
		year: 2019,
		url: arxiv('1908.05858')
	},

	// Larq
	larq: {
		authors: ['Larq contributors'],
		title: 'Larq documentation: an open-source library for training binarized neural networks',
		venue: 'docs.larq.dev',
		url: 'https://docs.larq.dev/larq/',
		short: 'Larq docs'
	},
	larqzoo: {
		authors: ['Larq contributors'],
		title: 'Larq Zoo: pretrained binarized neural networks',
		venue: 'docs.larq.dev',
		url: 'https://docs.larq.dev/zoo/',
		short: 'Larq Zoo'
	},
	geiger2020: {
		authors: ['Lukas Geiger', 'Plumerai Team'],
		title: 'Larq: An Open-Source Library for Training Binarized Neural Networks',
		venue: 'Journal of Open Source Software 5(45), 1746',
		year: 2020,
		url: 'https://doi.org/10.21105/joss.01746'
	},

	// The models in the "why" figure, and the digits
	krizhevsky2012: {
		authors: ['Alex Krizhevsky', 'Ilya Sutskever', 'Geoffrey E. Hinton'],
		title: 'ImageNet Classification with Deep Convolutional Neural Networks',
		venue: 'Advances in Neural Information Processing Systems (NeurIPS)',
		year: 2012,
		url: 'https://papers.nips.cc/paper_files/paper/2012/hash/c399862d3b9d6b76c8436e924a68c45b-Abstract.html'
	},
	simonyan2015: {
		authors: ['Karen Simonyan', 'Andrew Zisserman'],
		title: 'Very Deep Convolutional Networks for Large-Scale Image Recognition',
		venue: 'International Conference on Learning Representations (ICLR)',
		year: 2015,
		url: arxiv('1409.1556')
	},
	he2016: {
		authors: ['Kaiming He', 'Xiangyu Zhang', 'Shaoqing Ren', 'Jian Sun'],
		title: 'Deep Residual Learning for Image Recognition',
		venue: 'IEEE Conference on Computer Vision and Pattern Recognition (CVPR)',
		year: 2016,
		url: arxiv('1512.03385')
	},
	torchvision: {
		authors: ['TorchVision maintainers and contributors'],
		title: 'torchvision.models: resnet18 and resnet50, ImageNet-1K weights (num_params)',
		venue: 'pytorch.org/vision',
		url: 'https://pytorch.org/vision/stable/models.html',
		short: 'torchvision'
	},
	sandler2018: {
		authors: ['Mark Sandler', 'Andrew Howard', 'Menglong Zhu', 'Andrey Zhmoginov', 'Liang-Chieh Chen'],
		title: 'MobileNetV2: Inverted Residuals and Linear Bottlenecks',
		venue: 'IEEE Conference on Computer Vision and Pattern Recognition (CVPR)',
		year: 2018,
		url: arxiv('1801.04381')
	},
	devlin2019: {
		authors: ['Jacob Devlin', 'Ming-Wei Chang', 'Kenton Lee', 'Kristina Toutanova'],
		title: 'BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding',
		venue: 'Conference of the North American Chapter of the ACL (NAACL)',
		year: 2019,
		url: arxiv('1810.04805')
	},
	radford2019: {
		authors: ['Alec Radford', 'Jeffrey Wu', 'Rewon Child', 'David Luan', 'Dario Amodei', 'Ilya Sutskever'],
		title: 'Language Models are Unsupervised Multitask Learners',
		venue: 'OpenAI technical report',
		year: 2019,
		url: 'https://cdn.openai.com/better-language-models/language_models_are_unsupervised_multitask_learners.pdf'
	},
	lecun1998: {
		authors: ['Yann LeCun', 'Léon Bottou', 'Yoshua Bengio', 'Patrick Haffner'],
		title: 'Gradient-Based Learning Applied to Document Recognition',
		venue: 'Proceedings of the IEEE 86(11)',
		year: 1998,
		url: 'https://doi.org/10.1109/5.726791'
	},
	// Bit counting (the XNOR lesson's popcount kernels)
	warren2012: {
		authors: ['Henry S. Warren, Jr.'],
		title: "Hacker's Delight (2nd edition), chapter 5: Counting Bits",
		venue: 'Addison-Wesley',
		year: 2012,
		short: 'Warren'
	},
	mula2018: {
		authors: ['Wojciech Muła', 'Nathan Kurz', 'Daniel Lemire'],
		title: 'Faster Population Counts Using AVX2 Instructions',
		venue: 'The Computer Journal 61(1)',
		year: 2018,
		url: arxiv('1611.07612')
	}
} satisfies Record<string, Reference>;

export type ReferenceKey = keyof typeof REFERENCES;

/** Surname of a "Given Surname" name (the last word). */
const surname = (name: string): string => name.split(' ').at(-1) ?? name;

/** The short in-text label: "Rastegari et al. 2016", "Ioffe and Szegedy 2015". */
export function shortLabel(ref: Reference): string {
	const year = ref.year === undefined ? '' : ` ${ref.year}`;
	if (ref.short) return ref.short + year;
	const a = ref.authors;
	const who = a.length === 1 ? surname(a[0]) : a.length === 2 ? `${surname(a[0])} and ${surname(a[1])}` : `${surname(a[0])} et al.`;
	return who + year;
}

/** All authors for the references list: "A, B and C". */
export function authorList(ref: Reference): string {
	const a = ref.authors;
	return a.length <= 1 ? (a[0] ?? '') : `${a.slice(0, -1).join(', ')} and ${a.at(-1)}`;
}
