module.exports = { preset: "ts-jest", testEnvironment: "node", roots: ["<rootDir>/test", "<rootDir>/provider"] };
