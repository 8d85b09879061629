declare namespace NodeJS {
    interface ProcessEnv {
        APP_NAME?: string;
    }
}
