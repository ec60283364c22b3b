/** The workbench's version, recorded in every manifest and exported log. */
export const AFW_VERSION = "0.1.0";
